#version 130
// A panorama: directions round the camera, projected at the far plane like the sky, so
// it is the backdrop behind every object at any distance and has no parallax.
uniform mat4 p3d_ViewProjectionMatrix;
uniform mat4 p3d_ViewMatrixInverse;
in vec4 p3d_Vertex;
out vec3 v_dir;

void main() {
    vec3 cam = p3d_ViewMatrixInverse[3].xyz;
    vec4 clip = p3d_ViewProjectionMatrix * vec4(cam + p3d_Vertex.xyz, 1.0);
    gl_Position = clip.xyww;
    v_dir = p3d_Vertex.xyz;
}
