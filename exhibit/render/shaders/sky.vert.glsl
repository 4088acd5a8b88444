#version 130
// The sky dome: directions around the camera, projected at the far plane whatever the
// camera's clip distances, drawn first without depth. What is the same all over the
// dome (the sun's colour and strength, the haze above the camera) is worked out here.
uniform mat4 p3d_ViewProjectionMatrix;
uniform mat4 p3d_ViewMatrixInverse;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_color;
uniform vec4 u_fog;
in vec4 p3d_Vertex;
out vec3 v_dir;
out vec3 v_sun;
out float v_glow;
out float v_disc;
out float v_haze0;

void main() {
    vec3 cam = p3d_ViewMatrixInverse[3].xyz;
    vec4 clip = p3d_ViewProjectionMatrix * vec4(cam + p3d_Vertex.xyz, 1.0);
    gl_Position = clip.xyww;
    v_dir = p3d_Vertex.xyz;
    float strength = clamp(length(u_sun_color), 0.0, 1.5);
    v_sun = normalize(u_sun_color + 1e-4) * 1.1;
    v_glow = strength;
    v_disc = min(strength, 1.0) * step(-0.02, u_sun_dir.z);
    float zc = max(cam.z, 0.0);
    v_haze0 = u_fog.x * u_fog.y * exp(-zc / u_fog.y) * 0.5;
}
