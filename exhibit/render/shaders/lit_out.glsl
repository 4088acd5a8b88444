// What every vertex shader of lit surfaces (lit, flag, marchers) hands on to the
// fragment shaders of lit_in.glsl: the vertex placed, lit per vertex (both faces) and
// its fog's optical depth. Each shader moves its vertex its own way, then calls
// lit_vertex() with the result.
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ViewMatrixInverse;
in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;
in vec2 p3d_MultiTexCoord0;
out vec3 v_world;
out vec3 v_normal;
out vec4 v_color;
out vec2 v_uv;
out vec3 v_cam;
out vec3 v_light;        // light on the front face
out vec3 v_light_back;   // light on the back face (two-sided cloth, paper, text)
out float v_fog;         // fog optical depth from the camera

// ``p`` and ``normal`` in the object's frame, as the shader has moved them.
void lit_vertex(vec4 p, vec3 normal, vec4 color, vec2 uv) {
    gl_Position = p3d_ModelViewProjectionMatrix * p;
    v_world = (p3d_ModelMatrix * p).xyz;
    v_normal = mat3(p3d_ModelMatrix) * normal;
    v_color = color;
    v_uv = uv;
    v_cam = p3d_ViewMatrixInverse[3].xyz;
    // geometry without normals (text, some models) is lit as if it faced the sky
    vec3 n = dot(v_normal, v_normal) > 1e-8 ? normalize(v_normal) : vec3(0.0, 0.0, 1.0);
    lighting_faces(v_world, n, v_light, v_light_back);
    v_fog = fog_depth(v_cam, v_world);
}
