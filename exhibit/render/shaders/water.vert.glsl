#version 130
// Water: a gentle swell moves the grid; the fragment shader adds the ripples.
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ViewMatrixInverse;
uniform float u_time;
uniform vec4 u_water;   // x: waves 0..1
in vec4 p3d_Vertex;
in vec4 p3d_Color;
out vec3 v_world;
out vec4 v_color;
out vec3 v_cam;

void main() {
    vec4 p = p3d_Vertex;
    vec3 w = (p3d_ModelMatrix * p).xyz;
    float a = 0.12 * u_water.x;
    p.z += a * (sin(w.x * 0.21 + u_time * 0.9) * 0.6 + sin(w.y * 0.17 - u_time * 0.7 + w.x * 0.05) * 0.4);
    gl_Position = p3d_ModelViewProjectionMatrix * p;
    v_world = (p3d_ModelMatrix * p).xyz;
    v_color = p3d_Color;
    v_cam = p3d_ViewMatrixInverse[3].xyz;
}
